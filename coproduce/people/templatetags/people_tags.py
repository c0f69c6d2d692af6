from django import template

from coproduce.people.models import Person, TimeOfDay, Weekday

register = template.Library()


@register.filter
def availability(person: Person) -> str:
    days = [Weekday(day).label for day in person.available_days if day in Weekday.values]
    times = [TimeOfDay(t).label.lower() for t in person.available_times if t in TimeOfDay.values]
    if not days and not times:
        return "Not recorded"
    return ", ".join(days or ["Any day"]) + (f" ({', '.join(times)})" if times else "")
